"""Reads: published content for pages and the API, and a user's own comparisons."""

from careers.selectors.content import (
    advice_list,
    criterion_list,
    path_detail,
    path_list,
    red_flag_list,
    tag_list,
)

__all__ = [
    "advice_list",
    "criterion_list",
    "path_detail",
    "path_list",
    "red_flag_list",
    "tag_list",
]
