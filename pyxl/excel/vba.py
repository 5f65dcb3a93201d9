"""The workbook's VBA project: the pinned xlwings standalone template with `Module1` rewritten.

Approach B of `workbook-build.md` §4.2, the transformation xlwings' own release pipeline applied to
the template's `xlwings` module (Excel opens that file for every xlwings user): the module stream
becomes compressed source only (its p-code dropped, dir MODULEOFFSET := 0) and `_VBA_PROJECT` is
reduced to its 7-byte header with version 0xFFFF, so the VBA editor recompiles from source.
Everything else (references, other modules and their p-code, PROJECT, PROJECTwm) is untouched.
pyOpenVBA (MIT) supplies the compound-file writer and the MS-OVBA compression.
"""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path

from pyxl.excel.registry import MODULE_NAME, vba_module

MACROS_BAS = Path(__file__).resolve().parents[2] / "workbook" / "vba" / "Macros.bas"


def xlwings_template() -> Path:
    import xlwings

    return Path(xlwings.__file__).parent / "quickstart_standalone.xlsm"


def template_project_xlsm_bytes() -> bytes:
    return xlwings_template().read_bytes()


def template_project() -> bytes:
    with zipfile.ZipFile(xlwings_template()) as z:
        return z.read("xl/vbaProject.bin")


def dir_records(raw: bytes) -> list[tuple[int, bytes]]:
    """The records of a decompressed `dir` stream ([MS-OVBA] 2.3.4.2), in order."""
    out, i = [], 0
    while i + 6 <= len(raw):
        rid, size = struct.unpack_from("<HI", raw, i)
        if rid == 0x09:  # PROJECTVERSION: Reserved=4, then MajorVersion(4) + MinorVersion(2)
            size += 2
        out.append((rid, bytes(raw[i + 6: i + 6 + size])))
        i += 6 + size
        if rid == 0x10:
            break
    return out


def patch_module(project: bytes, module: str, source: str, *, check: bool = True) -> bytes:
    """`project` (a vbaProject.bin) with `module`'s source replaced by `source` (source only)."""
    from pyopenvba.cfb import CFB
    from pyopenvba.vba import compress, decompress

    cfb = CFB.from_bytes(project)
    raw = bytearray(decompress(cfb.get_stream_in_storage("VBA", "dir")))
    i, current, codepage, patched = 0, None, 1252, False
    while i < len(raw):
        rid, size = struct.unpack_from("<HI", raw, i)
        at = i + 6
        if rid == 0x09:
            size += 2
        if rid == 0x03:
            codepage = struct.unpack_from("<H", raw, at)[0]
        if rid == 0x1A:
            current = bytes(raw[at: at + size]).decode(f"cp{codepage}")
        if rid == 0x31 and current == module:
            struct.pack_into("<I", raw, at, 0)
            patched = True
        if rid == 0x10:
            break
        i = at + size
    if not patched:
        raise ValueError(f"module {module!r} not found in the VBA project")
    text = source.replace("\r\n", "\n").replace("\n", "\r\n")
    if check and not text.startswith(f'Attribute VB_Name = "{module}"'):
        raise ValueError("the module source must start with its VB_Name attribute")
    old = cfb.get_stream_in_storage("VBA", "_VBA_PROJECT")
    cfb.write_stream_in_storage("VBA", module, compress(text.encode(f"cp{codepage}")))
    cfb.write_stream_in_storage("VBA", "dir", compress(bytes(raw)))
    cfb.write_stream_in_storage("VBA", "_VBA_PROJECT",
                                b"\xcc\x61\xff\xff\x00" + (old[5:7] if len(old) >= 7 else b"\x03\x00"))
    return bytes(cfb.to_bytes())


def project_with_macros(source: str | None = None) -> bytes:
    """The workbook's vbaProject.bin: the template with Module1 = the registry's module."""
    return patch_module(template_project(), MODULE_NAME, source if source is not None else vba_module())


def write_macros_bas(path: Path = MACROS_BAS) -> None:
    """`workbook/vba/Macros.bas`, committed so that a review sees the VBA (UTF-8, CRLF as in Excel)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(vba_module().replace("\n", "\r\n").encode("utf-8"))
