package io.grantwatch.it;

class TokenRefreshH2Test extends TokenRefreshContract {}
