package io.grantwatch.config;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Old keys only decrypt: without a current key nothing could encrypt a new token. */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = PreviousKeysNeedKey.Validator.class)
public @interface PreviousKeysNeedKey {
    String message() default "needs encryption.key: the key tokens are encrypted with now";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    final class Validator implements ConstraintValidator<PreviousKeysNeedKey, Config.Encryption> {
        @Override
        public boolean isValid(Config.Encryption encryption, ConstraintValidatorContext context) {
            if (encryption.previousKeys().isEmpty() || encryption.key() != null) {
                return true;
            }
            context.disableDefaultConstraintViolation();
            context.buildConstraintViolationWithTemplate(context.getDefaultConstraintMessageTemplate())
                    .addPropertyNode("previousKeys").addConstraintViolation();
            return false;
        }
    }
}
