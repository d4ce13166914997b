package io.grantwatch.it;

class GrantwatchH2Test extends GrantwatchContract {}
