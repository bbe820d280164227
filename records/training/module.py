"""技能培训 declared on the kit (modules-spec §8): the declarations need the kit's parent/child
extension (branch i19-kit) and come with it."""
