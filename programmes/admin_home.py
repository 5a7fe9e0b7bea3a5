"""The EDI team's admin home page: what needs doing."""


def work_lists():
    return {}
