"""The consolidated report: gathered from the warehouse, written as HTML, PDF, Word, Excel and open data.

Kept free of heavy imports: every `zvit` start imports the package.
The entry points are `zvit.report.gather.gather_report` and `zvit.report.write.write_report`.
"""

#: Output formats in the order they are written (the PDF is printed from the HTML).
FORMATS: tuple[str, ...] = ("html", "docx", "xlsx", "pdf", "datapackage")
