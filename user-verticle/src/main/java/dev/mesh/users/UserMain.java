package dev.mesh.users;

import dev.mesh.db.DatabaseService;

public final class UserMain {

  private UserMain() {
  }

  public static void main(String[] args) {
    DatabaseService.run("users", UserVerticle::new);
  }
}
