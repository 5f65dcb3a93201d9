# ruff: noqa: UP031, SIM105  (run by the system python3, kept close to the research scripts)
"""Run by the SYSTEM python3 (python3-uno), not the venv: open a workbook in headless LibreOffice,
report its Basic modules and the macro bound to each form button, run the given subs and read back
the cell the stub RunPython writes to. Prints JSON.
usage: /usr/bin/python3 lo_macros.py FILE PROFILE_DIR CELL SUB..."""
import json
import os
import subprocess
import sys
import time

import uno
from com.sun.star.beans import PropertyValue


def prop(name, value):
    p = PropertyValue()
    p.Name = name
    p.Value = value
    return p


def main():
    path, profile, cell_ref, subs = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    pipe = "syctest%d" % os.getpid()
    proc = subprocess.Popen(["soffice", "--headless", "--invisible", "--norestore", "--nologo",
                             "-env:UserInstallation=" + uno.systemPathToFileUrl(os.path.abspath(profile)),
                             "--accept=pipe,name=%s;urp;StarOffice.ComponentContext" % pipe],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    ctx = None
    for _ in range(120):
        try:
            ctx = resolver.resolve("uno:pipe,name=%s;urp;StarOffice.ComponentContext" % pipe)
            break
        except Exception:
            time.sleep(0.5)
    if ctx is None:
        raise SystemExit("could not connect to soffice")
    desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    out = {"modules": {}, "buttons": [], "runs": {}}
    try:
        doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(os.path.abspath(path)), "_blank", 0,
                                           (prop("Hidden", True), prop("MacroExecutionMode", 4)))
        libs = doc.BasicLibraries
        for ln in libs.getElementNames():
            libs.loadLibrary(ln)
            lib = libs.getByName(ln)
            for mn in lib.getElementNames():
                out["modules"][ln + "." + mn] = len(lib.getByName(mn).splitlines())
        sheets = doc.Sheets
        for si in range(sheets.Count):
            sh = sheets.getByIndex(si)
            dp = sh.DrawPage
            forms = dp.Forms
            for k in range(dp.Count):
                shp = dp.getByIndex(k)
                try:
                    model = shp.Control
                except Exception:
                    continue
                bound = []
                for fi in range(forms.Count):
                    form = forms.getByIndex(fi)
                    for ci in range(form.Count):
                        if form.getByIndex(ci) == model:
                            bound += [e.ScriptCode for e in form.getScriptEvents(ci)]
                out["buttons"].append([sh.Name, model.Label, bound])
        sheet_name, cell_name = cell_ref.split("!")
        target = sheets.getByName(sheet_name).getCellRangeByName(cell_name)
        provider = doc.getScriptProvider()
        for sub in subs:
            target.setString("")
            try:
                script = provider.getScript(
                    "vnd.sun.star.script:VBAProject.Module1.%s?language=Basic&location=document" % sub)
                script.invoke((), (), ())
                out["runs"][sub] = target.getString()[1:]
            except Exception as exc:
                out["runs"][sub] = "ERROR " + str(exc)
        doc.close(True)
    finally:
        try:
            desktop.terminate()
        except Exception:
            pass
        proc.wait(timeout=60)
    print(json.dumps(out))


main()
