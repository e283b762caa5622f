"""One distribution for the portal: the extension, its harvesters, schemas and data.

harvesters/, schemas/ and data/ sit at the top of the repository, where a
reader looks for them, and are installed as subpackages of ckanext.quyhoach.
"""

from setuptools import find_packages, setup

EXTENSION_DIR = "ckanext-quyhoach"

setup(
    name="ckanext-quyhoach",
    version="0.1.0",
    description="Quy hoạch Việt Nam: the national planning information portal on CKAN",
    python_requires=">=3.10",
    package_dir={
        "": EXTENSION_DIR,
        "ckanext.quyhoach.harvesters": "harvesters",
        "ckanext.quyhoach.schemas": "schemas",
        "ckanext.quyhoach.data": "data",
    },
    packages=find_packages(EXTENSION_DIR)
    + ["ckanext.quyhoach.harvesters", "ckanext.quyhoach.schemas", "ckanext.quyhoach.data"],
    package_data={
        "ckanext.quyhoach": [
            "*.yaml",
            "templates/**/*",
            "public/**/*",
            "assets/**/*",
            "i18n/**/*",
            "migration/**/*",
        ],
        "ckanext.quyhoach.access": ["*.yaml", "templates/**/*"],
        "ckanext.quyhoach.spatial": ["*.yaml", "templates/**/*", "assets/**/*"],
        "ckanext.quyhoach.harvesters": ["*.yaml", "templates/**/*"],
        "ckanext.quyhoach.schemas": ["*.yaml"],
        "ckanext.quyhoach.data": ["*.csv"],
    },
    entry_points={
        "ckan.plugins": [
            "quyhoach = ckanext.quyhoach.plugin:QuyhoachPlugin",
            "quyhoach_spatial = ckanext.quyhoach.spatial.plugin:QuyhoachSpatialPlugin",
            "quyhoach_access = ckanext.quyhoach.access.plugin:QuyhoachAccessPlugin",
            # Harvesters (harvesters/): the support plugin, then one per protocol.
            "quyhoach_harvest = ckanext.quyhoach.harvesters.plugin:QuyhoachHarvestPlugin",
            "quyhoach_ckan_harvester = ckanext.quyhoach.harvesters.ckan:CkanHarvester",
            "quyhoach_manifest_harvester = ckanext.quyhoach.harvesters.manifest:ManifestHarvester",
            "quyhoach_dcat_harvester = ckanext.quyhoach.harvesters.dcat:DcatHarvester",
            "quyhoach_csw_harvester = ckanext.quyhoach.harvesters.csw:CswHarvester",
            "quyhoach_arcgis_harvester = ckanext.quyhoach.harvesters.arcgis:ArcgisHarvester",
        ],
    },
)
