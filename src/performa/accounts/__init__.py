"""Who may do what: a person's roles in a body, scoped to an Area or Office where it applies."""
