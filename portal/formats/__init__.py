"""The portal's date formats, one module per language (settings.FORMAT_MODULE_PATH).

Two ways to write a day, and only two:

- in text (sentences, facts, "from ... to ...", emails, messages): DATE_FORMAT, the day and
  the month in words: nl "13 december 2026", fr "13 décembre 2026", en "13 December 2026";
  templates write ``{{ day|date }}`` (or ``|date:"DATE_FORMAT"``), Python
  ``django.utils.formats.date_format(day)``; with a time DATETIME_FORMAT ("13 december 2026,
  14:30").
- in tables and CSV, where dates stand in columns: SHORT_DATE_FORMAT, all digits with leading
  zeros so that the column lines up: nl "13-12-2026", fr and en "13/12/2026" (day first: a
  Belgian portal, also in English); ``|date:"SHORT_DATE_FORMAT"``.

A month alone (the date of a source register) is YEAR_MONTH_FORMAT, a year a plain "Y".
Whatever a module leaves out (input formats, numbers) comes from Django's own locale.
tests/portal/test_dates.py keeps templates and code to these names.
"""
