print("secure-upload: skeleton")
