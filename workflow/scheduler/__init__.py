"""The scheduler: time-driven transitions, deadline reminders exactly once, mail, calendars.

See README.md in this folder. Modules: `sweep` (one pass, piece by piece), `reminders` (what is
due, into the outbox), `outbox` (claim, send, record), `mailer` (SMTP or .eml files),
`messages` + `words` (what a mail says, in fi/sv/en), `digest`, `notifications` (in-app list),
`preferences`, `calendars` (iCalendar feeds and tokens), `locks`, `runner` (APScheduler).
Importing this package imports none of them: the web uses some without APScheduler.
"""
