"""Packaging metadata is read from settings.ini, the single place nbdev keeps it.

`pip install avss-autoseg` gets what `avss segment` needs and nothing pinned to one torch build; the extras
(`crf`, `notebooks`, `app`, `export`) come from settings.ini's `<extra>_requirements` keys, and `dev` is all of
them plus the test and docs tools. The import name stays `avss`."""
from configparser import ConfigParser
from setuptools import setup, find_packages

cfg = ConfigParser(delimiters=["="])
cfg.read("settings.ini", encoding="utf-8")
s = cfg["DEFAULT"]
EXTRAS = ("crf", "notebooks", "app", "export")
extras = {k: s[f"{k}_requirements"].split() for k in EXTRAS}
extras["all"] = [r for k in EXTRAS for r in extras[k]]
extras["dev"] = extras["all"] + s["dev_requirements"].split()
readme = open("README.md", encoding="utf-8").read()
setup(
    name=s["dist_name"], version=s["version"], description=s["description"],
    long_description=readme, long_description_content_type="text/markdown",
    author=s["author"], author_email=s["author_email"], license="Apache-2.0", url=s["git_url"],
    project_urls={"Documentation": f"{s['doc_host']}{s['doc_baseurl']}", "Source": s["git_url"]},
    keywords=s["keywords"].split(), python_requires=f">={s['min_python']}",
    classifiers=["Development Status :: 3 - Alpha", "Intended Audience :: Science/Research",
                 "License :: OSI Approved :: Apache Software License", "Programming Language :: Python :: 3",
                 "Topic :: Scientific/Engineering :: Image Recognition"],
    packages=find_packages(include=["avss", "avss.*"]),
    include_package_data=True, package_data={"avss": ["assets/*", "assets/**/*"]},
    install_requires=s["requirements"].split(), extras_require=extras,
    entry_points={"console_scripts": [s["console_scripts"]], "nbdev": [f"{s['lib_name']}={s['lib_name']}._modidx:d"]},
    zip_safe=False,
)
