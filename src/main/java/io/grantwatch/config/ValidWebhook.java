package io.grantwatch.config;

import jakarta.validation.Constraint;
import jakarta.validation.Payload;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A webhook entry the delivery code can use: url, format, types, grant ids and secret. The rules
 * are the ones {@code POST /v1/webhooks} applies, so they live with it, in
 * {@code io.grantwatch.delivery.WebhookRules}; that validator is registered in
 * {@code META-INF/services/jakarta.validation.ConstraintValidator} because naming it here would make
 * config depend on delivery, which depends on config.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = {})
public @interface ValidWebhook {
    String message() default "is not a usable webhook";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
}
