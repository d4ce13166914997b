package io.grantwatch.tokens;

import io.grantwatch.testing.OnPostgres;

@OnPostgres
class RefreshStormPostgresTest extends RefreshStormContract {}
