"""YAML in, validated: content, templates and client lists become typed models, or file:line errors."""
