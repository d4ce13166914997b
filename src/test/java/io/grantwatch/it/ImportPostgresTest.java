package io.grantwatch.it;

import io.grantwatch.testing.OnPostgres;

@OnPostgres
class ImportPostgresTest extends ImportContract {}
