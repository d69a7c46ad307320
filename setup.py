"""Packaging metadata is read from settings.ini, the single place nbdev keeps it."""
from configparser import ConfigParser
from setuptools import setup, find_packages

cfg = ConfigParser(delimiters=["="])
cfg.read("settings.ini", encoding="utf-8")
s = cfg["DEFAULT"]
setup(
    name=s["lib_name"], version=s["version"], description=s["description"],
    author=s["author"], author_email=s["author_email"], license="Apache-2.0",
    python_requires=f">={s['min_python']}", packages=find_packages(include=["avss", "avss.*"]),
    include_package_data=True, package_data={"avss": ["assets/*", "assets/**/*"]},
    install_requires=s["requirements"].split(), extras_require={"dev": s["dev_requirements"].split()},
    entry_points={"console_scripts": [s["console_scripts"]], "nbdev": [f"{s['lib_name']}={s['lib_name']}._modidx:d"]},
    zip_safe=False,
)
