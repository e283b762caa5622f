import ckan.plugins as p
import ckan.plugins.toolkit as tk

from ckanext.quyhoach import cli


class QuyhoachPlugin(p.SingletonPlugin):
    p.implements(p.IConfigurer)
    p.implements(p.IClick)

    def update_config(self, config):
        tk.add_template_directory(config, "templates")
        tk.add_public_directory(config, "public")

    def get_commands(self):
        return [cli.quyhoach]
