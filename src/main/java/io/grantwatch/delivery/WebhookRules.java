package io.grantwatch.delivery;

import io.grantwatch.config.Config;
import io.grantwatch.config.UniqueWebhooks;
import io.grantwatch.config.ValidWebhook;
import io.grantwatch.db.Format;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The rules for webhook entries of the configuration file: the ones the API applies, plus a secret
 * for signed webhooks (the API makes one itself). Registered with Hibernate Validator through
 * {@code META-INF/services/jakarta.validation.ConstraintValidator}: see {@link ValidWebhook}.
 */
public final class WebhookRules {
    private WebhookRules() {}

    /** Reports each problem at its key: {@code webhooks[0].secret ...}. */
    public static final class Entry implements ConstraintValidator<ValidWebhook, Config.Webhook> {
        @Override
        public boolean isValid(Config.Webhook entry, ConstraintValidatorContext context) {
            context.disableDefaultConstraintViolation();
            boolean valid = report(context, "url", Urls.problem(entry.url()));
            valid &= report(context, "format", WebhookService.formatProblem(entry.format()));
            valid &= report(context, "types", WebhookService.typesProblem(entry.types().isEmpty() ? null : entry.types()));
            valid &= report(context, "grantIds",
                    WebhookService.grantIdsProblem(entry.grantIds().isEmpty() ? null : entry.grantIds()));
            if (entry.secret() != null && !WebhookSecrets.isValid(entry.secret())) {
                valid &= report(context, "secret", "must be whsec_ followed by the base64 of 24 to 64 bytes");
            }
            if (entry.secret() == null && Format.CLOUDEVENTS.wireName().equals(entry.format())) {
                valid &= report(context, "secret", "is required for signed (cloudevents) webhooks: "
                        + "generate one with: echo whsec_$(openssl rand -base64 32)");
            }
            return valid;
        }

        private static boolean report(ConstraintValidatorContext context, String key, String problem) {
            if (problem == null) {
                return true;
            }
            context.buildConstraintViolationWithTemplate(escape(problem)).addPropertyNode(key).addConstraintViolation();
            return false;
        }
    }

    /** Reports the later of two entries that would be one subscription: {@code webhooks[1] repeats ...}. */
    public static final class Distinct implements ConstraintValidator<UniqueWebhooks, List<Config.Webhook>> {
        @Override
        public boolean isValid(List<Config.Webhook> entries, ConstraintValidatorContext context) {
            context.disableDefaultConstraintViolation();
            Set<String> keys = new HashSet<>();
            boolean valid = true;
            for (int i = 0; i < entries.size(); i++) {
                Config.Webhook entry = entries.get(i);
                // An entry with an unknown format is reported by Entry and has no key to compare.
                if (WebhookService.formatProblem(entry.format()) != null || keys.add(WebhookService.configKey(entry))) {
                    continue;
                }
                context.buildConstraintViolationWithTemplate(context.getDefaultConstraintMessageTemplate())
                        .addBeanNode().inIterable().atIndex(i).addConstraintViolation();
                valid = false;
            }
            return valid;
        }
    }

    /** Hibernate Validator reads braces and dollars in a template as expressions; a problem is plain text. */
    private static String escape(String problem) {
        return problem.replace("\\", "\\\\").replace("{", "\\{").replace("}", "\\}").replace("$", "\\$");
    }
}
