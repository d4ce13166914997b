package io.grantwatch.connect;

import io.grantwatch.testing.OnPostgres;

@OnPostgres
class ConnectPostgresTest extends ConnectContract {}
