"""xlwings entry points of the workbook's buttons (RunPython), one thin function per action.

The Excel front end (buttons, ribbon, ExcelStore) is a later issue; until it lands the workbook
carries only the stock xlwings VBA project and no button calls into this module.
"""
