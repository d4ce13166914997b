package io.grantwatch.connect;

class ConnectH2Test extends ConnectContract {}
