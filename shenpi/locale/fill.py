"""Fill django.po from zh_Hans.py and compile it (run by `make messages`)."""

import sys
from pathlib import Path

import polib

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
from zh_Hans import ZH  # noqa: E402


def main():
    po_path = HERE / "zh_Hans" / "LC_MESSAGES" / "django.po"
    po = polib.pofile(str(po_path))
    po.metadata.update({"Language": "zh_Hans", "Content-Type": "text/plain; charset=UTF-8",
                        "Plural-Forms": "nplurals=1; plural=0;"})
    missing = []
    for entry in po:
        zh = ZH.get(entry.msgid)
        if zh is None:
            missing.append(entry.msgid)
            continue
        if entry.msgid_plural:
            entry.msgstr_plural = {0: zh[0] if isinstance(zh, list) else zh}
        else:
            entry.msgstr = zh
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    po.save(str(po_path))
    po.save_as_mofile(str(po_path.with_suffix(".mo")))
    for m in missing:
        print(f"untranslated: {m!r}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
