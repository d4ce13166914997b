package io.grantwatch.it;

class ProxyH2Test extends ProxyContract {}
