package io.grantwatch.tokens;

class DeadLeaseH2Test extends DeadLeaseContract {}
