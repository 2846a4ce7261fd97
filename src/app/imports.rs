//! Register imports: plan, preview and apply an agency workbook.
