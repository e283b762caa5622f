#!/bin/sh
# Write the secrets file that config/base.ini chains to, from the environment,
# then run the container's command. The web container also applies migrations.
set -eu

: "${CKAN_SECRET_KEY:?set CKAN_SECRET_KEY in .env (see .env.example)}"
: "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD in .env (see .env.example)}"

umask 077
cat >/srv/app/quyhoach/var/secrets.ini <<INI
[DEFAULT]
db_password = $POSTGRES_PASSWORD
admin_password = ${CKAN_SYSADMIN_PASSWORD:-}

[app:main]
use = egg:ckan
SECRET_KEY = $CKAN_SECRET_KEY
INI

if [ "${QUYHOACH_MIGRATE:-false}" = "true" ]; then
    for plugin in "" activity harvest; do
        ckan -c "$CKAN_INI" db upgrade ${plugin:+-p "$plugin"}
    done
fi
exec "$@"
