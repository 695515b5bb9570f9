-- One database per service, as in production: no service reads another's tables.
CREATE DATABASE relink_scanner;
CREATE DATABASE relink_notifier;
CREATE DATABASE relink_reauth;
