"""Response planning: the toolbox of Charter-based tools, partners and obligations, a planner
that proposes options for a situation, and a record of measures taken and what followed."""
