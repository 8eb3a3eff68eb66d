"""Rule knowledge shared by the checks, `dangan due`, the site and the importer: how a number is
made and read, when a complaint must be answered, when a contract's documents are due, how the
tiers of a department stand, which survey scores are low. Each reads the typed policy; the
checks (`checks/`) only apply it, and nothing but the checker imports them."""
