"""`dangan notify`: the day's reminders of what is due or overdue, sent where people read them.

plan (which items today, to whom, through which channel: from the day alone) → message (each channel's
words) → deliver (channels: the robots and SMTP; state: what went out today) → summary (what the user reads).
"""
