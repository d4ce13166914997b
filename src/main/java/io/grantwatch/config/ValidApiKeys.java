package io.grantwatch.config;

import jakarta.validation.Constraint;
import jakarta.validation.Payload;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * {@code http.apiKeys} and {@code http.apiKey} make a usable key set: names, keys ({@code sha256:}
 * digests too) and roles, no name or key twice. Validated by {@code io.grantwatch.access.ApiKeyRules},
 * which builds that set; registered as {@link ValidWebhook} says.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = {})
public @interface ValidApiKeys {
    String message() default "is not a usable set of API keys";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
}
