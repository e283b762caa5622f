# Namespace package shared with CKAN and the other ckanext-* distributions.
__path__ = __import__("pkgutil").extend_path(__path__, __name__)
