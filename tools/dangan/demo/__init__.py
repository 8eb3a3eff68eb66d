"""The demo archive: a fictional small-loan and guarantee company's records, generated deterministically."""
