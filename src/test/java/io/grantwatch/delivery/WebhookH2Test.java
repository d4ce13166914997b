package io.grantwatch.delivery;

class WebhookH2Test extends WebhookContract {}
