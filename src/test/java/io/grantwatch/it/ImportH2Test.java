package io.grantwatch.it;

class ImportH2Test extends ImportContract {}
