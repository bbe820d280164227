"""Record modules: worker household files and family members today; assistance, petitions,
consultations, legal aid, job placement and training join them with their issues."""
