"""Monitoring reports written from the warehouse: the participation report and the
cooperation monitoring report, as HTML, PDF and XLSX (see `bilat.reports.make`)."""
