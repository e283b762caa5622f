from setuptools import setup

setup(
    name="ckanext-quyhoach",
    version="0.1.0",
    package_dir={
        "": "ckanext-quyhoach",
        "ckanext.quyhoach.harvesters": "harvesters",
        "ckanext.quyhoach.schemas": "schemas",
        "ckanext.quyhoach.data": "data",
    },
    packages=["ckanext", "ckanext.quyhoach", "ckanext.quyhoach.harvesters", "ckanext.quyhoach.schemas", "ckanext.quyhoach.data"],
    entry_points={"ckan.plugins": ["quyhoach = ckanext.quyhoach.plugin:QuyhoachPlugin"]},
)
