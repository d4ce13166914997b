package io.grantwatch.tokens;

class RefreshStormH2Test extends RefreshStormContract {}
