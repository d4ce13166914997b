package io.grantwatch.check;

import static org.assertj.core.api.Assertions.assertThat;

import io.grantwatch.core.EventType;
import io.grantwatch.core.GrantStatus;
import io.grantwatch.core.NewEvent;
import io.grantwatch.core.Normalizer;
import io.grantwatch.core.Resource;
import io.grantwatch.core.Sites;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class JudgeTest {
    private final Judge judge = new Judge(3, Duration.ofSeconds(15), Duration.ofMinutes(5), Duration.ZERO);
    private final Sites two = Normalizer.normalize(List.of(
            new Resource("a", "A", "https://a.atlassian.net", List.of("read:jira-work"), null),
            new Resource("b", "B", "https://b.atlassian.net", List.of("read:jira-user"), null)));

    private static List<EventType> types(Judge.Verdict verdict) {
        return verdict.events().stream().map(NewEvent::type).toList();
    }

    @Test
    void theFirstValidAnswerGrantsEachSite() {
        Judge.Verdict verdict = judge.judge(GrantStatus.PENDING, 0, false, () -> Sites.EMPTY, new Outcome.Valid(two));
        assertThat(verdict.status()).isEqualTo(GrantStatus.HEALTHY);
        assertThat(types(verdict)).containsExactly(EventType.SITE_GRANTED, EventType.SITE_GRANTED);
        assertThat(verdict.sites()).isEqualTo(two);
    }

    @Test
    void transientFailuresKeepTheSitesAndDegradeOnlyAfterTheThreshold() {
        Outcome failure = new Outcome.Transient("server_error", "HTTP 503", null);
        Judge.Verdict first = judge.judge(GrantStatus.HEALTHY, 0, false, () -> two, failure);
        assertThat(first.status()).isEqualTo(GrantStatus.HEALTHY);
        assertThat(first.sites()).isNull();
        assertThat(first.events()).isEmpty();
        assertThat(first.retryIn()).isEqualTo(Duration.ofSeconds(15));

        Judge.Verdict third = judge.judge(GrantStatus.HEALTHY, 2, false, () -> two, failure);
        assertThat(third.status()).isEqualTo(GrantStatus.DEGRADED);
        assertThat(types(third)).containsExactly(EventType.GRANT_DEGRADED);
        assertThat(third.retryIn()).isEqualTo(Duration.ofSeconds(60));

        Judge.Verdict later = judge.judge(GrantStatus.DEGRADED, 3, false, () -> two, failure);
        assertThat(later.events()).isEmpty();
        assertThat(judge.judge(GrantStatus.DEGRADED, 30, false, () -> two, failure).retryIn()).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void retryAfterIsHonoured() {
        Judge.Verdict verdict = judge.judge(GrantStatus.HEALTHY, 0, false, () -> two,
                new Outcome.Transient("rate_limited", "HTTP 429", Duration.ofSeconds(90)));
        assertThat(verdict.retryIn()).isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void recoveryAfterDegradedIsReportedOnce() {
        Judge.Verdict verdict = judge.judge(GrantStatus.DEGRADED, 5, false, () -> two, new Outcome.Valid(two));
        assertThat(verdict.status()).isEqualTo(GrantStatus.HEALTHY);
        assertThat(types(verdict)).containsExactly(EventType.GRANT_RECOVERED);
        assertThat(verdict.events().getFirst().data()).containsEntry("reason", "valid_answer");
        assertThat(verdict.failures()).isZero();
    }

    @Test
    void anExpiredTokenIsNoRevocation() {
        Judge.Verdict verdict = judge.judge(GrantStatus.HEALTHY, 0, false, () -> two, new Outcome.Expired("refused"));
        assertThat(verdict.status()).isEqualTo(GrantStatus.TOKEN_EXPIRED);
        assertThat(types(verdict)).containsExactly(EventType.GRANT_TOKEN_EXPIRED);
        assertThat(verdict.sites()).isNull();
        assertThat(judge.judge(GrantStatus.TOKEN_EXPIRED, 0, false, () -> two, new Outcome.Expired("refused")).events()).isEmpty();
    }

    @Test
    void aRevocationRevokesEverySiteAndStopsPolling() {
        Judge.Verdict verdict = judge.judge(GrantStatus.HEALTHY, 0, false, () -> two, new Outcome.Revoked("invalid_grant"));
        assertThat(verdict.status()).isEqualTo(GrantStatus.REVOKED);
        assertThat(types(verdict)).containsExactly(EventType.GRANT_REVOKED, EventType.SITE_REVOKED, EventType.SITE_REVOKED);
        assertThat(verdict.events().get(1).data().get("reason")).isEqualTo("grant_revoked");
        assertThat(verdict.sites()).isEqualTo(Sites.EMPTY);
        assertThat(verdict.poll()).isFalse();
    }

    @Test
    void aRevokedOrExpiredGrantThatWorksAgainIsRestored() {
        Judge.Verdict fromExpired = judge.judge(GrantStatus.TOKEN_EXPIRED, 0, false, () -> two, new Outcome.Valid(two));
        assertThat(types(fromExpired)).containsExactly(EventType.GRANT_RESTORED);
        Judge.Verdict fromRevoked = judge.judge(GrantStatus.REVOKED, 0, false, () -> Sites.EMPTY, new Outcome.Valid(two));
        assertThat(types(fromRevoked)).containsExactly(EventType.GRANT_RESTORED, EventType.SITE_GRANTED, EventType.SITE_GRANTED);
    }

    @Test
    void aVanishedSiteIsConfirmedByASecondAnswerBeforeItIsRevoked() {
        Judge confirming = new Judge(3, Duration.ofSeconds(15), Duration.ofMinutes(5), Duration.ofSeconds(30));
        Sites one = Normalizer.normalize(List.of(new Resource("a", "A", "https://a.atlassian.net", List.of("read:jira-work"), null)));
        Judge.Verdict first = confirming.judge(GrantStatus.HEALTHY, 0, false, () -> two, new Outcome.Valid(one));
        assertThat(first.confirmingRemoval()).isTrue();
        assertThat(first.events()).isEmpty();
        assertThat(first.sites()).isNull();
        assertThat(first.retryIn()).isEqualTo(Duration.ofSeconds(30));

        Judge.Verdict confirmed = confirming.judge(GrantStatus.HEALTHY, 0, true, () -> two, new Outcome.Valid(one));
        assertThat(confirmed.confirmingRemoval()).isFalse();
        assertThat(types(confirmed)).containsExactly(EventType.SITE_REVOKED);

        // Additions need no confirmation.
        Judge.Verdict added = confirming.judge(GrantStatus.HEALTHY, 0, false, () -> one, new Outcome.Valid(two));
        assertThat(types(added)).containsExactly(EventType.SITE_GRANTED);
    }

    @Test
    void theVanishedSitesOwnRefusalIsTheConfirmation() {
        Judge confirming = new Judge(3, Duration.ofSeconds(15), Duration.ofMinutes(5), Duration.ofSeconds(30));
        Sites one = Normalizer.normalize(List.of(new Resource("a", "A", "https://a.atlassian.net", List.of("read:jira-work"), null)));
        Judge.Verdict refusedByGoneSite = confirming.judge(GrantStatus.HEALTHY, 0, false, "b", () -> two, new Outcome.Valid(one));
        assertThat(refusedByGoneSite.confirmingRemoval()).isFalse();
        assertThat(types(refusedByGoneSite)).containsExactly(EventType.SITE_REVOKED);

        // A refusal by a site that is still there says nothing about the one that vanished.
        Judge.Verdict refusedByOtherSite = confirming.judge(GrantStatus.HEALTHY, 0, false, "a", () -> two, new Outcome.Valid(one));
        assertThat(refusedByOtherSite.confirmingRemoval()).isTrue();
        assertThat(refusedByOtherSite.events()).isEmpty();
    }
}
