"""Let nbval run notebooks that `nbdev_clean` has tidied.

`nbdev_clean` keeps the stored outputs (the tutorial's figures) but blanks every
`execution_count`; nbval then refuses such cells as "unrun reference cell has outputs".
Under `--nbval-lax` stored outputs are not compared anyway, so we give those cells a
count and let their code run as the test.
"""


def pytest_collection_modifyitems(items):
    for item in items:
        cell = getattr(item, "cell", None)
        if cell is not None and cell.get("execution_count") is None and cell.get("outputs"):
            cell["execution_count"] = 1
