"""Downloads of one evaluation: long-format CSV, an XLSX workbook with charts, SPSS .sav."""
