package io.grantwatch.delivery;

import io.grantwatch.testing.OnPostgres;

@OnPostgres
class WebhookPostgresTest extends WebhookContract {}
