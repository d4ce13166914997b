package io.grantwatch.access;

import io.grantwatch.config.Config;
import io.grantwatch.config.ValidApiKeys;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;

/**
 * Checks {@code http.apiKeys} (with {@code http.apiKey}) when the configuration is loaded, by
 * building the key set the daemon will use: every problem is found before anything starts.
 * Registered through {@code META-INF/services/jakarta.validation.ConstraintValidator}, as config
 * may not depend on access.
 */
public final class ApiKeyRules implements ConstraintValidator<ValidApiKeys, Config.Http> {
    @Override
    public boolean isValid(Config.Http http, ConstraintValidatorContext context) {
        try {
            // A blank http.apiKey is reported by its own constraint; the rest is checked without it.
            boolean blank = http.apiKey() != null && http.apiKey().isBlank();
            ApiKeys.from(blank ? new Config.Http(http.port(), http.host(), null, http.maxBodyBytes(), http.apiKeys()) : http);
            return true;
        } catch (ApiKeys.InvalidException e) {
            context.disableDefaultConstraintViolation();
            // The node's name is the key's own path below http (apiKeys[1].roles), as the YAML file spells it.
            context.buildConstraintViolationWithTemplate(e.problem().replace("{", "\\{").replace("}", "\\}").replace("$", "\\$"))
                    .addPropertyNode(e.key()).addConstraintViolation();
            return false;
        }
    }
}
