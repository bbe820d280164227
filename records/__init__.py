"""Record modules: worker household files and family members, assistance, petitions, consultations, legal aid, job placement, training.

Empty until its issue lands (DESIGN.md §2 layout)."""
