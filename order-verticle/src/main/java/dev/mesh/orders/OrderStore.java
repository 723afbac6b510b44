package dev.mesh.orders;

import dev.mesh.contracts.OrdersContract.Status;
import dev.mesh.orders.OrderStates.Stock;
import io.vertx.core.Future;
import java.util.List;
import java.util.UUID;

/**
 * Where orders and the saga's progress are kept: {@link PgOrderStore} in production; the fast tests keep
 * them in memory. Every saga write is guarded by the order's claim, the token of its one current driver:
 * a write that returns null changed nothing, because the order had moved on or its claim had passed to
 * another driver. Every change of status is written together with the event that announces it.
 */
interface OrderStore {

  /** What create found: the order, and whether this call made it (false: an idempotent repeat). */
  record Created(Order order, boolean isNew) {
  }

  static String newClaim() {
    return UUID.randomUUID().toString();
  }

  /**
   * A new PENDING order claimed by its creator for {@code leaseMs}, owing {@link SagaStep#OWED_FROM_BIRTH},
   * or the one made before under the same idempotency key (422 if its body differs).
   */
  Future<Created> create(OrderValidation.NewOrder request, long leaseMs);

  Future<Order> find(String id);

  /** Up to {@code limit} orders after {@code afterSeq}, oldest first; of one user unless {@code userId} is null. */
  Future<List<Order>> list(String userId, long afterSeq, int limit);

  /**
   * Claims up to {@code limit} due orders for {@code claim} and a lease of {@code leaseMs}: waiting orders
   * whose retry is due (unless they wait for a service in {@code openServices} and have not reached their
   * give-up time), orders whose driver's lease passed, and confirmed orders whose window passed (their
   * stock becomes COMMITTING: no cancel any more).
   */
  Future<List<Order>> claimDue(String claim, long leaseMs, int limit, List<String> openServices, long giveUpMs);

  /** PENDING to CONFIRMED, with its event; the stock stays reserved ({@code nextMs}: the window) or is claimed for commit. */
  Future<Order> confirm(Order order, Stock stock, String nextClaim, long nextMs);

  /** PENDING to REJECTED or CANCELLED, with its event; the claim stays for the compensation that follows. */
  Future<Order> end(Order order, Status status, String reason, long leaseMs);

  /**
   * The order waits for the service of {@code step}, letting go of its claim, due again in {@code delayMs}
   * but never after its give-up time; null if it must end instead (that time has passed) or lost its claim.
   */
  Future<Order> waitFor(Order order, SagaStep step, long delayMs, long giveUpMs);

  /** A compensation or commit that {@code service} could not take now: due again in {@code delayMs}. */
  Future<Order> stockLater(Order order, String service, long delayMs);

  /** The stock moved from one of {@code from} to {@code to}; nothing more is owed. */
  Future<Order> settleStock(Order order, List<Stock> from, Stock to);

  /**
   * A customer's cancel, taking the order over under a new claim: a PENDING order at any time, a CONFIRMED
   * one while its stock is reserved and its window lasts. Null when it cannot be cancelled.
   */
  Future<Order> cancel(String id, String reason, long leaseMs, long cancelWindowMs);
}
