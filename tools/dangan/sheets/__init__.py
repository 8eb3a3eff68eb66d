"""Spreadsheets in and out: `dangan import` turns the rows of an .xlsx or .csv file into
records (each validated like a record, all written in one commit), `dangan export` writes
a kind's ledger for Excel.

    read.py      cells of a sheet, the header row found among title rows
    clean.py     one cell's value normalised (numbers as digits, dates, full-width text)
    convert.py   a cleaned value as its field's schema types it (enums, references …)
    mapping.py   which column is which field: schema titles, synonyms, a map file
    identity.py  the same customer twice: in the archive, in the file
    defaults.py  what a new record gets that a sheet rarely says (its number, its creation)
    importer.py  rows -> records in a Transaction -> a row-level report
    inventory.py rows appended to one dossier's inventory
    report.py    the report as text and as an .xlsx of the rejected rows
    export.py    a ledger as .xlsx, .csv or .json
"""
