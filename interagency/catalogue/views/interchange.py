"""Export a framework as JSON or XLSX, and import one."""
