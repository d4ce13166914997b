package io.grantwatch.it;

class RegularScheduleH2Test extends RegularScheduleContract {}
