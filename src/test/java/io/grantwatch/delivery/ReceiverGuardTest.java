package io.grantwatch.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ReceiverGuardTest {
    private final ReceiverGuard open = new ReceiverGuard(true);
    private final ReceiverGuard closed = new ReceiverGuard(false);

    @ParameterizedTest(name = "{0}: {1} / without private networks {2}")
    @CsvSource({
            "169.254.169.254,        a link-local address,      a link-local address",
            "169.254.0.1,            a link-local address,      a link-local address",
            "fe80::1,                a link-local address,      a link-local address",
            "febf::1,                a link-local address,      a link-local address",
            "fd00:ec2::254,          a cloud metadata address,  a cloud metadata address",
            "100.100.100.200,        a cloud metadata address,  a cloud metadata address",
            "::ffff:169.254.169.254, a link-local address,      a link-local address",
            "::169.254.169.254,      a link-local address,      a link-local address",
            "64:ff9b::a9fe:a9fe,     a link-local address,      a link-local address",
            "127.0.0.1,              ,                          a loopback address",
            "::1,                    ,                          a loopback address",
            "0.0.0.0,                ,                          a loopback address",
            "10.1.2.3,               ,                          a private network address",
            "172.16.0.1,             ,                          a private network address",
            "192.168.1.1,            ,                          a private network address",
            "100.64.0.1,             ,                          a private network address",
            "fd12:3456::1,           ,                          a private network address",
            "::ffff:10.0.0.1,        ,                          a private network address",
            "93.184.215.14,          ,                          ",
            "2606:4700::6810:85e5,   ,                          ",
            "172.32.0.1,             ,                          ",
    })
    void addressesAreJudgedByKind(String literal, String refusedAlways, String refusedWithoutPrivate) throws Exception {
        InetAddress address = InetAddress.getByName(literal);
        assertThat(open.refusal(address)).isEqualTo(refusedAlways);
        assertThat(closed.refusal(address)).isEqualTo(refusedWithoutPrivate);
    }

    @Test
    void aUrlIsRefusedWhenItsHostIsOrResolvesToAForbiddenAddress() {
        ReceiverGuard guard = new ReceiverGuard(true, host -> switch (host) {
            case "metadata.example" -> new InetAddress[] {InetAddress.getByName("169.254.169.254")};
            case "mixed.example" -> new InetAddress[] {InetAddress.getByName("93.184.215.14"),
                    InetAddress.getByName("fd00:ec2::254")};
            case "good.example" -> new InetAddress[] {InetAddress.getByName("93.184.215.14")};
            default -> InetAddress.getAllByName(host);
        });
        assertThat(guard.problem("http://169.254.169.254/latest/meta-data/")).contains("link-local");
        assertThat(guard.problem("http://[fd00:ec2::254]/")).contains("cloud metadata");
        assertThat(guard.problem("http://[fe80::1%251]/")).isNotNull();
        assertThat(guard.problem("https://metadata.example/hook")).contains("link-local");
        assertThat(guard.problem("https://mixed.example/hook")).contains("cloud metadata");
        assertThat(guard.problem("https://good.example/hook")).isNull();
        assertThat(guard.problem("http://127.0.0.1:9/hook")).isNull();
        assertThat(new ReceiverGuard(false).problem("http://localhost:9/hook")).contains("loopback");
    }

    @Test
    void aNameThatDoesNotResolveYetIsAcceptedAndCheckedAtDelivery() throws Exception {
        ReceiverGuard guard = new ReceiverGuard(true, host -> {
            throw new UnknownHostException(host);
        });
        assertThat(guard.problem("https://not-yet.example/hook")).isNull();
        assertThatThrownBy(() -> guard.resolve("not-yet.example")).isInstanceOf(UnknownHostException.class);
    }
}
