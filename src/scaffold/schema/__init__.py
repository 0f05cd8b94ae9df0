"""The `migration` installer's parts: what a change of the models does to the schema that the
user must decide (renames) or know (what is dropped, data and all)."""
